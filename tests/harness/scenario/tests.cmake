# The scenario loader: the shipped scenarios load, every field reads back, every kind of bad file
# is refused with file, line and field, and scenario files are found under folders (included from
# tests/harness). RH_SOURCE_DIR lets the tests read scenarios/ and their own data/.
rh_add_test(NAME harness_scenario_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/scenario_loader_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/scenario_additions_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/find_files_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")
target_compile_definitions(harness_scenario_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# The scenario writer: load(write(s)) == s for every shipped scenario and the awkward cases.
rh_add_test(NAME harness_scenario_writer_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/scenario_writer_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")
target_compile_definitions(harness_scenario_writer_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# The same for generated scenarios full of text YAML misreads, when RapidCheck is installed.
if(TARGET rapidcheck)
  rh_add_test(NAME harness_scenario_writer_properties
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/scenario_writer_properties.cc
    LIBS rh::harness rapidcheck rapidcheck_gtest
    LABELS "property;sanitize")
endif()
