# The pipeline's workflow: triage, draft, confirm, suppress, recover (included from
# pipeline/CMakeLists.txt).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/draft_check.cc
  ${CMAKE_CURRENT_LIST_DIR}/pipeline.cc
  ${CMAKE_CURRENT_LIST_DIR}/triage_rules.cc
)
