# The decision log: storage, filters, migrations, refusals; and `rehearse decisions` run as a
# separate process against a file the test writes (included from tests/pipeline).
find_package(SQLite3 REQUIRED)  # the tests build old and broken files by hand

rh_add_test(NAME pipeline_decision_log_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/decision_log_test.cc ${CMAKE_CURRENT_LIST_DIR}/inbox_test.cc
  LIBS rh::pipeline SQLite::SQLite3
  LABELS "unit;sanitize")

if(TARGET rehearse)
  rh_add_test(NAME pipeline_decisions_cli_tests
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/decisions_cli_test.cc
    LIBS rh::pipeline
    LABELS "unit")
  target_compile_definitions(pipeline_decisions_cli_tests PRIVATE REHEARSE_PATH="$<TARGET_FILE:rehearse>")
  add_dependencies(pipeline_decisions_cli_tests rehearse)
endif()
