# Runs `rehearse sim-check` three times in separate processes: twice with one seed (the trace
# files must be byte-identical) and once with another (it must differ).
file(MAKE_DIRECTORY ${WORK_DIR})
foreach(run a b)
  execute_process(COMMAND ${REHEARSE} sim-check --seed 4242 --days 7 --shoppers 40
                          --trace ${WORK_DIR}/seed4242-${run}.jsonl
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "rehearse sim-check failed (${rc})")
  endif()
endforeach()
execute_process(COMMAND ${REHEARSE} sim-check --seed 4243 --days 7 --shoppers 40
                        --trace ${WORK_DIR}/seed4243.jsonl RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rehearse sim-check failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/seed4242-a.jsonl
                        ${WORK_DIR}/seed4242-b.jsonl RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "same seed, different traces: ${WORK_DIR}/seed4242-a.jsonl vs -b.jsonl")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/seed4242-a.jsonl
                        ${WORK_DIR}/seed4243.jsonl RESULT_VARIABLE differ)
if(differ EQUAL 0)
  message(FATAL_ERROR "different seeds gave the same trace")
endif()
file(SIZE ${WORK_DIR}/seed4242-a.jsonl size)
message(STATUS "traces identical across processes (${size} bytes); another seed differs")
