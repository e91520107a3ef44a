# `rehearse fuzz` with pinned seeds (docs/FUZZING.md): the reference pipeline holds every property
# on both shipped policies, and each broken variant is caught within 300 cases by the oracle it
# breaks, shrunk to a short scenario file that fails the same way when run (included from
# tests/harness).
rh_add_test(NAME harness_fuzz_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_test.cc ${CMAKE_CURRENT_LIST_DIR}/phrase_bank_test.cc
  LIBS rh::harness
  LABELS "property")
target_compile_definitions(harness_fuzz_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_include_directories(harness_fuzz_tests PRIVATE ${PROJECT_SOURCE_DIR}/harness/src)

# The suite under thirty more seeds (a verdict must not hang on its seed); `make seed-sweep` runs more.
if(TARGET rehearse)
  add_test(NAME Rehearse.SuiteHoldsUnderThirtySeeds
           COMMAND rehearse run --quiet --jobs 2 --seeds 1-30 ${PROJECT_SOURCE_DIR}/scenarios)
  set_tests_properties(Rehearse.SuiteHoldsUnderThirtySeeds PROPERTIES LABELS "scenario" TIMEOUT 600 ENVIRONMENT "CI=true")
endif()
