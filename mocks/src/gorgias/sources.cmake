# The Gorgias helpdesk REST API mock (included from mocks/CMakeLists.txt).
target_sources(rh_mocks PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/channels.cc
  ${CMAKE_CURRENT_LIST_DIR}/core.cc
  ${CMAKE_CURRENT_LIST_DIR}/customers.cc
  ${CMAKE_CURRENT_LIST_DIR}/gorgias_mock.cc
  ${CMAKE_CURRENT_LIST_DIR}/inspection.cc
  ${CMAKE_CURRENT_LIST_DIR}/integrations.cc
  ${CMAKE_CURRENT_LIST_DIR}/json.cc
  ${CMAKE_CURRENT_LIST_DIR}/messages.cc
  ${CMAKE_CURRENT_LIST_DIR}/pagination.cc
  ${CMAKE_CURRENT_LIST_DIR}/resources.cc
  ${CMAKE_CURRENT_LIST_DIR}/sending.cc
  ${CMAKE_CURRENT_LIST_DIR}/templating.cc
  ${CMAKE_CURRENT_LIST_DIR}/ticket_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/tickets.cc
)
