# `rehearse run --seeds`: a sweep that holds (exit 0), one that fails under every seed (exit 1,
# each failing seed listed with its replay command, its trace written as <scenario>-seed<N>.jsonl,
# summary.json listing the failed runs), and bad seed lists refused with exit 2. See tests.cmake.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(fail what)
  message(FATAL_ERROR "rehearse run --seeds: ${what}")
endfunction()

set(healthy ${SOURCE_DIR}/scenarios/workflows/wismo-healthy.yaml)
set(negative ${SOURCE_DIR}/scenarios/negative/replies-on-email.yaml)

# A negative scenario fires the oracle it names under every seed, so it passes like the rest.
execute_process(COMMAND ${REHEARSE} run --seeds 1-3 ${healthy} ${negative} --report ${WORK_DIR}/pass --jobs 2
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("expected exit 0 when every run holds, got ${rc}:\n${err}")
endif()
if(NOT err MATCHES "PASS  wismo-healthy \\(seed 3\\)" OR NOT err MATCHES "6 runs \\(2 scenarios x 3 seeds\\), 0 failed")
  fail("expected a line per run and the totals:\n${err}")
endif()
file(READ ${WORK_DIR}/pass/summary.json summary)
string(JSON runs GET "${summary}" sweep runs)
string(JSON listed LENGTH "${summary}" scenarios)
if(NOT runs EQUAL 6 OR NOT listed EQUAL 0)
  fail("summary.json should count 6 runs and list no failed run, got ${runs} and ${listed}")
endif()

# The same broken pipeline without `oracles_fire`: I10 fires unexpectedly under every seed.
file(READ ${negative} text)
string(REPLACE "expect:\n  oracles_fire: [I10]\n" "" text "${text}")
string(REPLACE "name: negative-replies-on-email" "name: replies-on-email-unexpected" text "${text}")
file(WRITE ${WORK_DIR}/broken.yaml "${text}")
execute_process(COMMAND ${REHEARSE} run --seeds 1,5-6 ${WORK_DIR}/broken.yaml ${healthy} --report ${WORK_DIR}/fail
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  fail("expected exit 1 when a run fails, got ${rc}:\n${err}")
endif()
if(NOT err MATCHES "6 runs \\(2 scenarios x 3 seeds\\), 3 failed")
  fail("expected the totals to count 3 failed runs:\n${err}")
endif()
foreach(seed 1 5 6)
  if(NOT err MATCHES "FAIL  replies-on-email-unexpected \\(seed ${seed}\\): I10 fired"
     OR NOT err MATCHES "rehearse run --seed ${seed} [^\n]*broken.yaml")
    fail("expected seed ${seed} listed as failing I10 with its replay command:\n${err}")
  endif()
  if(NOT EXISTS ${WORK_DIR}/fail/traces/replies-on-email-unexpected-seed${seed}.jsonl)
    fail("no trace for the failed run under seed ${seed}")
  endif()
endforeach()
if(err MATCHES "FAIL  wismo-healthy")
  fail("the healthy scenario should not be listed as failing:\n${err}")
endif()
file(GLOB traces ${WORK_DIR}/fail/traces/*)
list(LENGTH traces trace_count)
if(NOT trace_count EQUAL 3)
  fail("expected the traces of the 3 failed runs only, got: ${traces}")
endif()
file(READ ${WORK_DIR}/fail/summary.json summary)
string(JSON listed LENGTH "${summary}" scenarios)
string(JSON failed GET "${summary}" totals failed)
string(JSON replay GET "${summary}" scenarios 1 replay)
if(NOT listed EQUAL 3 OR NOT failed EQUAL 3 OR NOT replay MATCHES "--seed 5 ")
  fail("summary.json should list the 3 failed runs with their replay commands:\n${summary}")
endif()

# Bad seed lists: exit 2 and a message saying what to write, before anything runs.
# ("<empty>" stands for an empty argument, which a CMake list cannot hold.)
foreach(case "5-1|runs backwards; write 1-5" "x|'x' is neither a seed" "<empty>|--seeds is empty"
             "1,,2|has an empty item" "1-100001|asks for more than 100000 seeds"
             "1-60000|over 2 scenarios is 120000 runs")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 seeds)
  list(GET parts 1 expected)
  if(seeds STREQUAL "<empty>")
    set(seeds "")
  endif()
  execute_process(COMMAND ${REHEARSE} run --seeds "${seeds}" ${healthy} ${negative}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "${expected}" OR err MATCHES "PASS")
    fail("--seeds '${seeds}' should be refused with exit 2 and '${expected}', got ${rc}:\n${err}")
  endif()
endforeach()
execute_process(COMMAND ${REHEARSE} run --seed 1 --seeds 1-2 ${healthy} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "not both")
  fail("--seed with --seeds should be refused with exit 2, got ${rc}:\n${err}")
endif()
