# Settings: YAML plus environment overrides (included from tests/pipeline).
rh_add_test(NAME pipeline_settings_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/settings_test.cc
  LIBS rh::pipeline
  LABELS "unit;sanitize")
