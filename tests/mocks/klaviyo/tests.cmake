# The Klaviyo mock's tests (included from tests/mocks/CMakeLists.txt). The parameterized suites
# run every case on both transports: in memory and over loopback sockets.
rh_add_test(NAME klaviyo_mock_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/filter_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/api_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/marketing_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/limits_and_errors_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/units_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/integrations_test.cc
  LIBS rh::mocks rh::sim_live
  LABELS "unit")
