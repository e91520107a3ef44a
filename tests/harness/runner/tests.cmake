# The runner: the shipped suite passes on the reference pipeline, each negative scenario fails
# with exactly the oracles it names, runs are deterministic across repeats and --jobs, and a bad
# file is an "error" that stops nothing else (included from tests/harness).
rh_add_test(NAME harness_runner_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/runner_test.cc
  LIBS rh::harness rh::reports
  LABELS "scenario;sanitize")
target_compile_definitions(harness_runner_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# `rehearse run` as CI calls it: plain lines (no progress bar) when stderr is not a terminal,
# summary.json, index.html, traces and JUnit written, exit 0 when all held, 1 when a file is bad.
if(TARGET rehearse)
  add_test(NAME Rehearse.RunWritesTheReportAndExitsByVerdict
           COMMAND ${CMAKE_COMMAND} -DREHEARSE=$<TARGET_FILE:rehearse> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/rehearse-run
                   -P ${CMAKE_CURRENT_LIST_DIR}/rehearse_run_check.cmake)
  set_tests_properties(Rehearse.RunWritesTheReportAndExitsByVerdict PROPERTIES LABELS "scenario" TIMEOUT 240)
endif()

# `rehearse run --seeds`: sweeps that hold and fail, the failing seeds' replay commands and
# traces, and bad seed lists refused with exit 2.
if(TARGET rehearse)
  add_test(NAME Rehearse.SeedSweepListsFailingSeedsAndExitsByVerdict
           COMMAND ${CMAKE_COMMAND} -DREHEARSE=$<TARGET_FILE:rehearse> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/rehearse-sweep
                   -P ${CMAKE_CURRENT_LIST_DIR}/rehearse_sweep_check.cmake)
  set_tests_properties(Rehearse.SeedSweepListsFailingSeedsAndExitsByVerdict PROPERTIES LABELS "scenario" TIMEOUT 240)
endif()

# One CTest test per shipped scenario file (STYLE.md), so a failure names its scenario and
# `ctest -R Scenario.wismo-healthy` replays one. The runner tests above check the suite as a whole.
if(TARGET rehearse)
  file(GLOB_RECURSE scenario_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
  foreach(file ${scenario_files})
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR}/scenarios ${file})
    if(relative MATCHES "^(policies|profiles|load)/")
      continue()
    endif()
    string(REGEX REPLACE "\\.yaml$" "" name ${relative})
    add_test(NAME Scenario.${name} COMMAND rehearse run --quiet ${file})
    set_tests_properties(Scenario.${name} PROPERTIES LABELS "scenario" TIMEOUT 120)
  endforeach()
endif()

# `rehearse run --seeds`: the seed list's syntax and refusals.
rh_add_test(NAME harness_seed_list_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/seed_list_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")

# `rehearse replay`: identical, diverged with its context, accepted, refused.
if(TARGET rehearse)
  add_test(NAME Rehearse.ReplayShowsTheFirstDivergenceAndAccepts
           COMMAND ${CMAKE_COMMAND} -DREHEARSE=$<TARGET_FILE:rehearse> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/rehearse-replay
                   -P ${CMAKE_CURRENT_LIST_DIR}/rehearse_replay_check.cmake)
  set_tests_properties(Rehearse.ReplayShowsTheFirstDivergenceAndAccepts PROPERTIES LABELS "scenario" TIMEOUT 120)
endif()

# The golden traces (scenarios/golden/): the suite's recorded behaviour, replayed on this build
# like a snapshot test. A change of behaviour fails here with its first divergence; once reviewed,
# `make golden` rewrites the traces and the diff goes into the commit.
if(TARGET rehearse)
  file(GLOB golden_traces CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/golden/*.jsonl)
  foreach(trace ${golden_traces})
    get_filename_component(name ${trace} NAME_WE)
    add_test(NAME Golden.${name} COMMAND rehearse replay --quiet ${trace} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(Golden.${name} PROPERTIES LABELS "scenario" TIMEOUT 120)
  endforeach()
endif()

# `rehearse compare`: changed routes and KPI deltas, worse by the thresholds, refusals.
if(TARGET rehearse)
  add_test(NAME Rehearse.CompareListsChangedRoutesAndJudgesByThresholds
           COMMAND ${CMAKE_COMMAND} -DREHEARSE=$<TARGET_FILE:rehearse> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/rehearse-compare
                   -P ${CMAKE_CURRENT_LIST_DIR}/rehearse_compare_check.cmake)
  set_tests_properties(Rehearse.CompareListsChangedRoutesAndJudgesByThresholds PROPERTIES LABELS "scenario" TIMEOUT 240)
endif()
