# The policy engine: the store's time zone, loading the YAML policy with precise errors, and the
# decision for each workflow (included from tests/pipeline). RH_SOURCE_DIR lets the tests load the
# shipped policies under scenarios/policies/.
rh_add_test(NAME pipeline_policy_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_time_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/policy_load_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/decide_test.cc
  LIBS rh::pipeline
  LABELS "unit;sanitize")
target_compile_definitions(pipeline_policy_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# Properties at the policy's boundaries, when RapidCheck is installed.
if(TARGET rapidcheck)
  rh_add_test(NAME pipeline_policy_properties
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/policy_properties.cc
    LIBS rh::pipeline rapidcheck rapidcheck_gtest
    LABELS "property;sanitize")
endif()
