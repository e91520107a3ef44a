# The report renderers: escaping and formatting, JUnit XML, summary.json and the HTML report,
# from a hand-made run result (sample_run.h).
rh_add_test(NAME reports_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/text_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/junit_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/summary_json_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/html_report_test.cc
  LIBS rh_reports
  LABELS "unit;sanitize")

# The sample report, rendered by headless Chromium (Debian's `chromium`, installed by
# scripts/setup.sh): a screenshot that is not blank, tables and charts in the rendered DOM, and no
# console error. Without Chromium the test is still registered, and fails saying how to get it.
add_executable(reports_sample_report ${CMAKE_CURRENT_LIST_DIR}/sample_report.cc)
target_link_libraries(reports_sample_report PRIVATE rh_reports)
rh_set_warnings(reports_sample_report)
find_program(CHROMIUM_EXECUTABLE NAMES chromium chromium-browser)
add_test(NAME Reports.HtmlRendersInHeadlessChromium
         COMMAND ${CMAKE_COMMAND} -DCHROMIUM=${CHROMIUM_EXECUTABLE}
                 -DSAMPLE=$<TARGET_FILE:reports_sample_report>
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/chromium
                 -P ${CMAKE_CURRENT_LIST_DIR}/chromium_check.cmake)
set_tests_properties(Reports.HtmlRendersInHeadlessChromium PROPERTIES LABELS "slow" TIMEOUT 240)
