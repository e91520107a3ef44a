# The simulated people of generated traffic: customers triggered by delays, on the channel mix,
# who write again after a wrong automatic answer; agents who work only on their shift
# (included from tests/harness).
rh_add_test(NAME harness_people_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/traffic_test.cc
  LIBS rh::harness
  LABELS "scenario;sanitize")
