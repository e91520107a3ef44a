# The Shopify Admin API mock (see mocks/include/mocks/shopify/shopify_mock.h).
target_sources(rh_mocks PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/addresses.cc
  ${CMAKE_CURRENT_LIST_DIR}/core.cc
  ${CMAKE_CURRENT_LIST_DIR}/render.cc
  ${CMAKE_CURRENT_LIST_DIR}/search.cc
  ${CMAKE_CURRENT_LIST_DIR}/seed.cc
  ${CMAKE_CURRENT_LIST_DIR}/rest_orders.cc
  ${CMAKE_CURRENT_LIST_DIR}/rest_fulfillments.cc
  ${CMAKE_CURRENT_LIST_DIR}/rest_refunds.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_schema.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_cost.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_resolvers.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_resolve_customers.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_resolve_orders.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_resolve_fulfillments.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_resolve_returns.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_root_fields.cc
  ${CMAKE_CURRENT_LIST_DIR}/graphql_exec.cc
  ${CMAKE_CURRENT_LIST_DIR}/shopify_mock.cc
)
