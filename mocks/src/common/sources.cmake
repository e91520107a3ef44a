target_sources(rh_mocks PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/leaky_bucket.cc
  ${CMAKE_CURRENT_LIST_DIR}/token_bucket.cc
  ${CMAKE_CURRENT_LIST_DIR}/ids.cc
  ${CMAKE_CURRENT_LIST_DIR}/path_match.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_http.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/linear_regex.cc
  ${CMAKE_CURRENT_LIST_DIR}/request_log.cc
  ${CMAKE_CURRENT_LIST_DIR}/webhook_emitter.cc
)
