# The deterministic LLM mock (included from mocks/CMakeLists.txt).
target_sources(rh_mocks PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/anthropic_dialect.cc
  ${CMAKE_CURRENT_LIST_DIR}/cassette.cc
  ${CMAKE_CURRENT_LIST_DIR}/dialect_common.cc
  ${CMAKE_CURRENT_LIST_DIR}/llm_mock.cc
  ${CMAKE_CURRENT_LIST_DIR}/model.cc
  ${CMAKE_CURRENT_LIST_DIR}/model_call.cc
  ${CMAKE_CURRENT_LIST_DIR}/openai_dialect.cc
)
