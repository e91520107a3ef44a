# The invariant oracles: they hold on a healthy run, report I1..I11 in order, and are
# deterministic (included from tests/harness).
rh_add_test(NAME harness_oracle_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/oracles_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")
