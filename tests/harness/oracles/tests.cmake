# The invariant oracles: they hold on a healthy run, report I1..I12 in order, are deterministic,
# each one fires on a world where its invariant is broken, and the defects of issue 12 fire them
# on the pipeline as it was (included from tests/harness).
rh_add_test(NAME harness_oracle_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/oracles_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/oracles_negative_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/oracles_ground_truth_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")
