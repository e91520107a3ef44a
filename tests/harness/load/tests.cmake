# `rehearse load` (docs/LOAD.md): the profile loader's refusals, thresholds, the plan's arithmetic
# by hand, a small profile simulated (deterministic, every oracle held) and its reports
# (included from tests/harness).
rh_add_test(NAME harness_load_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/load_profile_test.cc ${CMAKE_CURRENT_LIST_DIR}/thresholds_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/plan_test.cc ${CMAKE_CURRENT_LIST_DIR}/load_sim_test.cc
  LIBS rh::harness rh::reports
  LABELS "unit")
target_compile_definitions(harness_load_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# The command line: exit 0 when the thresholds hold, 1 when one fails, 2 on bad input; JUnit and
# the report written.
if(TARGET rehearse)
  add_test(NAME Rehearse.LoadExitsByThresholdsAndWritesReports
           COMMAND ${CMAKE_COMMAND} -DREHEARSE=$<TARGET_FILE:rehearse> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/rehearse-load
                   -P ${CMAKE_CURRENT_LIST_DIR}/rehearse_load_check.cmake)
  set_tests_properties(Rehearse.LoadExitsByThresholdsAndWritesReports PROPERTIES LABELS "scenario" TIMEOUT 120)
endif()
