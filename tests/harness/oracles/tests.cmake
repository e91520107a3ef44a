# The invariant oracles: they hold on a healthy run, report I1..I11 in order, are deterministic,
# and each one fires on a world where its invariant is broken (included from tests/harness).
rh_add_test(NAME harness_oracle_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/oracles_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/oracles_negative_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")
