# The Klaviyo API mock (included from mocks/CMakeLists.txt). The real API is a file per resource:
# profiles, lists, segments, events (and metrics), profile_jobs (suppression and consent), campaigns
# (and flows); api_support.h holds what they share.
target_sources(rh_mocks PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/campaigns.cc
  ${CMAKE_CURRENT_LIST_DIR}/events.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter.cc
  ${CMAKE_CURRENT_LIST_DIR}/inspection.cc
  ${CMAKE_CURRENT_LIST_DIR}/klaviyo_mock.cc
  ${CMAKE_CURRENT_LIST_DIR}/lists.cc
  ${CMAKE_CURRENT_LIST_DIR}/marketing.cc
  ${CMAKE_CURRENT_LIST_DIR}/profile_jobs.cc
  ${CMAKE_CURRENT_LIST_DIR}/profiles.cc
  ${CMAKE_CURRENT_LIST_DIR}/segments.cc
  ${CMAKE_CURRENT_LIST_DIR}/shopify_integration.cc
  ${CMAKE_CURRENT_LIST_DIR}/webhooks.cc
)
