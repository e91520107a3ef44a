# Runs `rehearse run` on part of the shipped suite and on a bad file; see tests.cmake.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(fail what)
  message(FATAL_ERROR "rehearse run: ${what}")
endfunction()

# The workflows and the negative scenarios: all hold (negatives fire what they name).
execute_process(COMMAND ${REHEARSE} run ${SOURCE_DIR}/scenarios/workflows ${SOURCE_DIR}/scenarios/negative
                        --report ${WORK_DIR}/report --junit ${WORK_DIR}/junit.xml --jobs 2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("expected exit 0 on passing scenarios, got ${rc}:\n${err}")
endif()
foreach(f summary.json index.html traces/wismo-healthy.jsonl traces/negative-auto-sends-money.jsonl)
  if(NOT EXISTS ${WORK_DIR}/report/${f})
    fail("the report has no ${f}")
  endif()
endforeach()
if(NOT EXISTS ${WORK_DIR}/junit.xml)
  fail("no JUnit file")
endif()
string(FIND "${err}" "\r" carriage_return)
if(NOT carriage_return EQUAL -1)
  fail("drew a progress bar into a log that is not a terminal")
endif()
if(NOT err MATCHES "PASS  wismo-healthy" OR NOT err MATCHES "passed, 0 failed of")
  fail("CI lines should name each scenario and the totals:\n${err}")
endif()
file(READ ${WORK_DIR}/report/summary.json summary)
string(JSON failed GET "${summary}" totals failed)
if(NOT failed EQUAL 0)
  fail("summary.json counts ${failed} failures")
endif()

# A bad file next to a good one: exit 1, the bad one named with its line, the good one run.
file(WRITE ${WORK_DIR}/bad.yaml "schema_version: 1\nname: bad\nrun_for: soon\n")
execute_process(COMMAND ${REHEARSE} run ${WORK_DIR}/bad.yaml ${SOURCE_DIR}/scenarios/workflows/wismo-healthy.yaml
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  fail("expected exit 1 with a bad file, got ${rc}:\n${err}")
endif()
if(NOT err MATCHES "bad.yaml:3:[0-9]+: run_for" OR NOT err MATCHES "PASS  wismo-healthy")
  fail("the bad file should be named with line and field, and the good one still run:\n${err}")
endif()

# --quiet prints nothing but the result.
execute_process(COMMAND ${REHEARSE} run --quiet ${SOURCE_DIR}/scenarios/workflows/wismo-healthy.yaml
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR err MATCHES "PASS ")
  fail("--quiet should run silently and pass (${rc}):\n${err}")
endif()
