# The reference pipeline end to end against the mocks in sim mode: each workflow of seed 003's
# safe and human-review zones, and the delivery faults (included from tests/pipeline).
rh_add_test(NAME pipeline_workflow_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/workflow_test.cc ${CMAKE_CURRENT_LIST_DIR}/workflow_faults_test.cc
  LIBS rh::harness
  LABELS "scenario;sanitize")
