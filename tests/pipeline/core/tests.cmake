# The pipeline's pure parts: rules-first triage, the draft's fact check, the real collaborators at
# the seams (included from tests/pipeline).
rh_add_test(NAME pipeline_core_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/triage_rules_test.cc ${CMAKE_CURRENT_LIST_DIR}/draft_check_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/seams_test.cc
  LIBS rh::pipeline
  LABELS "unit;sanitize")
