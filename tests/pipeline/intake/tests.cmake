# Webhook intake: signatures, deduplication, malformed bodies (included from tests/pipeline).
rh_add_test(NAME pipeline_intake_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/webhook_intake_test.cc
  LIBS rh::pipeline
  LABELS "unit;sanitize")
