# The vocabulary the pipeline shares with the services' shapes: its intent labels agree with the LLM
# mock's (the one test of the pipeline's that may link the mocks: it checks a copy the dependency
# rule forces). Included from tests/pipeline.
rh_add_test(NAME pipeline_vocabulary_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/intent_labels_agree_test.cc
  LIBS rh::pipeline rh::mocks
  LABELS "unit;sanitize")
