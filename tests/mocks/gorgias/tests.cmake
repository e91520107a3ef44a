# The Gorgias mock's tests (included from tests/mocks/CMakeLists.txt). The parameterized suites
# run every case on both transports: in memory and over loopback sockets. OpenSSL is linked
# directly so the webhook signature is checked by an HMAC independent of sim/crypto.
rh_add_test(NAME gorgias_mock_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/api_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/quirks_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/bad_input_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/rate_limit_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/integration_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/units_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/ticket_text_test.cc
  LIBS rh::mocks rh::sim_live OpenSSL::Crypto
  LABELS "unit")

# The stateful model test (RapidCheck rc::state), when RapidCheck is installed.
if(TARGET rapidcheck)
  rh_add_test(NAME gorgias_mock_properties
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/model_test.cc
    LIBS rh::mocks rapidcheck
    LABELS "property")
endif()
