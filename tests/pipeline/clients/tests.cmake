# The API clients: the retrying core, the header readers, and each client against its real mock
# in sim mode (included from tests/pipeline). The live runtime is linked for the semaphore's
# multi-threaded test only.
rh_add_test(NAME pipeline_client_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/api_caller_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/rate_headers_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/shopify_client_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/gorgias_client_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/klaviyo_client_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/llm_client_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/determinism_test.cc
  LIBS rh::pipeline rh::mocks rh::sim_live
  LABELS "unit;sanitize")
