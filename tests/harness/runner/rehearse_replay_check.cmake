# `rehearse replay`: a recorded trace replays identically; a changed policy value gives the first
# divergence with its context and exit 1; --accept rewrites it; a file that is not a trace is
# refused with exit 2 naming file, line and field (included from tests.cmake).
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(fail what)
  message(FATAL_ERROR "rehearse replay: ${what}")
endfunction()

function(replay expected_rc)
  execute_process(COMMAND ${REHEARSE} replay ${ARGN} WORKING_DIRECTORY ${WORK_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL ${expected_rc})
    fail("expected exit ${expected_rc} from replay ${ARGN}, got ${rc}:\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# A scenario with its own copy of the default policy, so one value can change.
file(COPY ${SOURCE_DIR}/scenarios/policies/default.yaml DESTINATION ${WORK_DIR})
file(READ ${SOURCE_DIR}/scenarios/workflows/cancel-before-lock.yaml scenario)
string(REPLACE "run_for: 1d" "policy: default.yaml\nrun_for: 1d" scenario "${scenario}")
file(WRITE ${WORK_DIR}/cancel.yaml "${scenario}")
execute_process(COMMAND ${REHEARSE} run --quiet cancel.yaml --report report WORKING_DIRECTORY ${WORK_DIR}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("the scenario should pass before it is replayed:\n${err}")
endif()
set(trace report/traces/cancel-before-lock.jsonl)

replay(0 ${trace})
if(NOT out MATCHES "identical \\(59 records\\)|identical \\([0-9]+ records\\)")
  fail("an unchanged replay should say identical:\n${out}")
endif()

# The fulfillment lock shortened below the order's age: the route changes, and replay says where.
file(READ ${WORK_DIR}/default.yaml policy)
string(REPLACE "fulfillment_lock: 1h " "fulfillment_lock: 10m" policy "${policy}")
file(WRITE ${WORK_DIR}/default.yaml "${policy}")
replay(1 ${trace})
foreach(expected "diverged at line" "while +after the step at .*cancel.yaml:" "recorded +.*\"rule\":\"cancel.before_lock\""
                 "replayed +.*\"rule\":\"cancel.after_lock\"" "before +\\{")
  if(NOT out MATCHES "${expected}")
    fail("the divergence report should match '${expected}':\n${out}")
  endif()
endforeach()

# Accepted: the trace now records the new behaviour, and replays identically.
replay(0 --accept ${trace})
if(NOT out MATCHES "diverged, accepted")
  fail("--accept should say it rewrote the trace:\n${out}")
endif()
replay(0 ${trace})

# Not a trace: exit 2, naming the file, line 1 and the field.
file(WRITE ${WORK_DIR}/not-a-trace.jsonl "{\"schema\":\"something.else\"}\n")
replay(2 not-a-trace.jsonl)
if(NOT err MATCHES "not-a-trace.jsonl:1: schema: not a Rehearsal trace")
  fail("a file that is not a trace should be named with its line and field:\n${err}")
endif()
file(WRITE ${WORK_DIR}/lost.jsonl "{\"schema\":\"rehearsal.trace\",\"version\":1,\"seed\":3,\"scenario\":\"gone.yaml\"}\n")
replay(2 lost.jsonl)
if(NOT err MATCHES "lost.jsonl:1: scenario: gone.yaml is not found")
  fail("a trace whose scenario is gone should say so:\n${err}")
endif()
