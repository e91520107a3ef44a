# The LLM mock's tests (included from tests/mocks/CMakeLists.txt). The API suite runs on both
# transports: in memory (InMemoryNetwork + Scheduler) and over loopback (HttpServer +
# LiveHttpClient); the sweeps call Handle directly to stay fast.
rh_add_test(NAME llm_mock_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/model_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/understanding_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/llm_mock_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/transport_test.cc
  LIBS rh::mocks rh::sim_live
  LABELS "unit")
