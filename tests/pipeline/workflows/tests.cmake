# The reference pipeline end to end against the mocks in sim mode: each workflow of seed 003's
# safe and human-review zones, and the delivery faults (included from tests/pipeline).
rh_add_test(NAME pipeline_workflow_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/workflow_test.cc ${CMAKE_CURRENT_LIST_DIR}/workflow_faults_test.cc
  LIBS rh::harness
  LABELS "scenario;sanitize")

# Durability (issue 16): the kill -9 sweep in sim mode (the pipeline killed at every side effect
# of a small scenario, restarted on the same SQLite file) and the reproducers of lost or repeated
# work (included from tests/pipeline).
rh_add_test(NAME pipeline_durability_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/crash_sweep_test.cc ${CMAKE_CURRENT_LIST_DIR}/durability_test.cc
  LIBS rh::harness
  LABELS "scenario;sanitize")
