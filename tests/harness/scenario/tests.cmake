# The scenario loader: the shipped scenarios load, every field reads back, every kind of bad file
# is refused with file, line and field, and scenario files are found under folders (included from
# tests/harness). RH_SOURCE_DIR lets the tests read scenarios/ and their own data/.
rh_add_test(NAME harness_scenario_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/scenario_loader_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/find_files_test.cc
  LIBS rh::harness
  LABELS "unit;sanitize")
target_compile_definitions(harness_scenario_tests PRIVATE RH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
