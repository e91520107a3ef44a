# The Klaviyo API mock (included from mocks/CMakeLists.txt).
target_sources(rh_mocks PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/api.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter.cc
  ${CMAKE_CURRENT_LIST_DIR}/inspection.cc
  ${CMAKE_CURRENT_LIST_DIR}/klaviyo_mock.cc
  ${CMAKE_CURRENT_LIST_DIR}/marketing.cc
  ${CMAKE_CURRENT_LIST_DIR}/shopify_integration.cc
  ${CMAKE_CURRENT_LIST_DIR}/webhooks.cc
)
