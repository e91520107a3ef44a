# The pipeline's stages, one file each, strung together by core/pipeline.cc (included from
# pipeline/CMakeLists.txt): triage, draft (with the fact check), confirm (route, send or hand
# over), human_reply (a person's confirm, edit or override), issues (suppress and recover),
# decisions (the decision log's rows).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/confirm.cc
  ${CMAKE_CURRENT_LIST_DIR}/context.cc
  ${CMAKE_CURRENT_LIST_DIR}/decisions.cc
  ${CMAKE_CURRENT_LIST_DIR}/draft.cc
  ${CMAKE_CURRENT_LIST_DIR}/facts.cc
  ${CMAKE_CURRENT_LIST_DIR}/human_reply.cc
  ${CMAKE_CURRENT_LIST_DIR}/issues.cc
  ${CMAKE_CURRENT_LIST_DIR}/triage.cc
)
