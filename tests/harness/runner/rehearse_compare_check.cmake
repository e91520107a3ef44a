# `rehearse compare`: a lower confidence threshold on a generated day lists the tickets that
# change route and the KPI deltas (exit 0: nothing worse); automation switched off is worse by the
# thresholds (exit 1); one policy, or a policy that does not load, is refused (exit 2). Included
# from tests.cmake.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(fail what)
  message(FATAL_ERROR "rehearse compare: ${what}")
endfunction()

function(compare expected_rc)
  execute_process(COMMAND ${REHEARSE} compare --quiet ${ARGN} WORKING_DIRECTORY ${WORK_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL ${expected_rc})
    fail("expected exit ${expected_rc} from compare ${ARGN}, got ${rc}:\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

set(default ${SOURCE_DIR}/scenarios/policies/default.yaml)
set(day ${SOURCE_DIR}/scenarios/generated/apparel-day-misreading-llm.yaml)
file(READ ${default} policy)
string(REPLACE "auto_send_confidence: 0.85 " "auto_send_confidence: 0.55 " lower "${policy}")
file(WRITE ${WORK_DIR}/lower-threshold.yaml "${lower}")
string(REPLACE "  enabled: true" "  enabled: false" off "${policy}")
file(WRITE ${WORK_DIR}/automation-off.yaml "${off}")

compare(0 --policy ${default} --policy lower-threshold.yaml ${day} --report report --json out.json)
foreach(expected "Tickets that changed: [1-9]" "route +human -> auto_send" "rule +confidence.below_threshold -> "
                 "automation rate +[0-9.]+% +[0-9.]+% +\\+[0-9.]+ pts" "cost per ticket" "AI bill"
                 "Verdict: nothing got worse")
  if(NOT out MATCHES "${expected}")
    fail("the comparison should match '${expected}':\n${out}")
  endif()
endforeach()
file(READ ${WORK_DIR}/report/compare.html html)
if(NOT html MATCHES "<svg" OR NOT html MATCHES "human -&gt; auto_send")
  fail("compare.html should draw the KPIs and list the changed tickets")
endif()
file(READ ${WORK_DIR}/out.json json)
if(NOT json MATCHES "\"schema\": \"rehearsal.compare\"" OR NOT json MATCHES "\"tickets_changed\": \\[\n")
  fail("the JSON should carry the schema and the changed tickets:\n${json}")
endif()
if(NOT EXISTS ${WORK_DIR}/report/traces/a/generated-apparel-day-misreading-llm.jsonl)
  fail("--report should keep both sides' traces")
endif()

compare(1 --policy ${default} --policy automation-off.yaml ${day})
if(NOT out MATCHES "B is worse" OR NOT out MATCHES "automation rate falls")
  fail("automation switched off should be worse:\n${out}")
endif()

compare(2 --policy ${default} ${day})
if(NOT err MATCHES "give --policy twice")
  fail("one policy should be refused:\n${err}")
endif()
file(WRITE ${WORK_DIR}/broken.yaml "schema_version: 1\nautomation: {auto_send_confidence: lots}\n")
compare(2 --policy ${default} --policy broken.yaml ${day})
if(NOT err MATCHES "broken.yaml:2")
  fail("a policy that does not load should be named with its line:\n${err}")
endif()
