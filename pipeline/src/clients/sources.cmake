# The API clients: the retrying core and the Shopify, Gorgias, Klaviyo and LLM clients (included
# from pipeline/CMakeLists.txt).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/api_caller.cc
  ${CMAKE_CURRENT_LIST_DIR}/async_semaphore.cc
  ${CMAKE_CURRENT_LIST_DIR}/client_set.cc
  ${CMAKE_CURRENT_LIST_DIR}/gorgias_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/klaviyo_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/llm_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/order_facts.cc
  ${CMAKE_CURRENT_LIST_DIR}/rate_headers.cc
  ${CMAKE_CURRENT_LIST_DIR}/shopify_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/values.cc
)
