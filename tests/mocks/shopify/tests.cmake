# The Shopify Admin API mock: every endpoint through the same handler in memory and over
# loopback (typed tests), the GraphQL parser, limits, webhooks and the inspection surface.
rh_add_test(NAME shopify_mock_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/graphql_parser_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/shopify_rest_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/shopify_limits_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/shopify_graphql_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/shopify_webhooks_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/shopify_inspection_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/order_text_test.cc
  LIBS rh::mocks rh::sim_live OpenSSL::Crypto
  LABELS "unit")

# The stateful model test (RapidCheck rc::state), when RapidCheck is installed.
if(TARGET rapidcheck)
  rh_add_test(NAME shopify_mock_properties
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/model_test.cc
    LIBS rh::mocks rapidcheck
    LABELS "property")
endif()
