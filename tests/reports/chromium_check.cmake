# Goal: the HTML report renders in a real browser the way a person will see it. Run by CTest as
#   cmake -DCHROMIUM=<chromium> -DSAMPLE=<reports_sample_report> -DWORK_DIR=<dir> -P chromium_check.cmake
# Needs only CMake and headless Chromium (Debian's `chromium`, installed by scripts/setup.sh): no
# network, no Node, no Python. Leaves in WORK_DIR, for CI artefacts and for a person:
#   report.html      the sample report (with report.junit.xml and report.summary.json beside it)
#   screenshot.png   the report's first 1280x2000 pixels as Chromium drew them
#   probe.html       the report with a recording script first in <head>; probe.dom.html, its DOM after load
#   *.log            Chromium's stderr of each run
# It checks:
#   1. the screenshot is a PNG of the window's size, not blank: many colours, no colour covering
#      almost all of it (counted by Chromium itself, from a canvas, in a run of its own);
#   2. the rendered DOM holds the overview, the scenario table and the SVG charts, a known
#      scenario's name, and the hostile scenario name as text (never as a <script>);
#   3. nothing went wrong while the page ran: no uncaught error, no console.error, no resource that
#      failed to load, no request the report's Content-Security-Policy refused; the report's own
#      script ran, "Expand all" opens every <details> and "Collapse all" closes them, every chart
#      has a size once opened, and the page is no wider than the window.
# Each Chromium run has a time limit; a run that hangs fails the test.
cmake_minimum_required(VERSION 3.20)

foreach(var IN ITEMS SAMPLE WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "chromium_check: -D${var}=... is required")
  endif()
endforeach()
if(NOT CHROMIUM OR NOT EXISTS "${CHROMIUM}")
  message(FATAL_ERROR
    "chromium_check: headless Chromium was not found (CHROMIUM='${CHROMIUM}'). "
    "scripts/setup.sh installs it (Debian package `chromium`); then re-run cmake so "
    "find_program(CHROMIUM_EXECUTABLE) sees /usr/bin/chromium.")
endif()

set(kWidth 1280)
set(kHeight 2000)
# One Chromium run's limit (a healthy one takes a few seconds); three runs stay inside CTest's 240 s.
set(kRunSeconds 60)
math(EXPR kHardLimitSeconds "${kRunSeconds} + 15")

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(failures "")
set(failure_count 0)
function(fail what)
  message(STATUS "FAIL: ${what}")
  math(EXPR n "${failure_count} + 1")
  set(failure_count ${n} PARENT_SCOPE)
  set(failures "${failures}\n  ${what}" PARENT_SCOPE)
endfunction()

# A file:// URL for a path (spaces and '#' would break it otherwise).
function(file_url path out)
  string(REPLACE "%" "%25" p "${path}")
  string(REPLACE " " "%20" p "${p}")
  string(REPLACE "#" "%23" p "${p}")
  set(${out} "file://${p}" PARENT_SCOPE)
endfunction()

# Runs headless Chromium on `url` with the extra flags given after it; stdout into `out_var`,
# stderr into WORK_DIR/<name>.log. Uses coreutils' `timeout` when present (it ends Chromium's
# child processes too), and execute_process's own limit in any case.
find_program(TIMEOUT_EXECUTABLE timeout)
function(run_chromium name url out_var)
  set(limit)
  if(TIMEOUT_EXECUTABLE)
    set(limit "${TIMEOUT_EXECUTABLE}" -k 10 ${kRunSeconds})
  endif()
  execute_process(
    COMMAND ${limit} "${CHROMIUM}" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage
            --no-first-run --no-default-browser-check --disable-extensions --hide-scrollbars --mute-audio
            --user-data-dir=${WORK_DIR}/profile --virtual-time-budget=5000
            --window-size=${kWidth},${kHeight} --enable-logging=stderr --v=0 ${ARGN} "${url}"
    WORKING_DIRECTORY "${WORK_DIR}"
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc
    TIMEOUT ${kHardLimitSeconds})
  file(WRITE "${WORK_DIR}/${name}.log" "${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "chromium_check: Chromium (${name}) exited with '${rc}'; see ${WORK_DIR}/${name}.log")
  endif()
  # An uncaught exception is logged as a CONSOLE line even where the page's own probe missed it.
  string(REGEX MATCHALL "[^\n]*CONSOLE[^\n]*Uncaught[^\n]*" uncaught "${err}")
  if(uncaught)
    list(JOIN uncaught "\n  " text)
    message(STATUS "FAIL: ${name}: uncaught errors in Chromium's log:\n  ${text}")
    set(uncaught_${name} "${text}" PARENT_SCOPE)
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# The sample report.
execute_process(COMMAND "${SAMPLE}" "${WORK_DIR}/report.html" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK_DIR}/report.html")
  message(FATAL_ERROR "chromium_check: ${SAMPLE} did not write ${WORK_DIR}/report.html (exit '${rc}')")
endif()

# --- 1. A screenshot that shows something ------------------------------------------------------
file_url("${WORK_DIR}/report.html" report_url)
run_chromium(screenshot "${report_url}" ignored --screenshot=${WORK_DIR}/screenshot.png)
if(uncaught_screenshot)
  fail("uncaught errors while rendering the report for the screenshot")
endif()
set(png "${WORK_DIR}/screenshot.png")
if(NOT EXISTS "${png}")
  message(FATAL_ERROR "chromium_check: Chromium wrote no screenshot; see ${WORK_DIR}/screenshot.log")
endif()
file(SIZE "${png}" png_bytes)
# PNG signature, then the IHDR chunk: width and height as big-endian 32-bit numbers at byte 16.
file(READ "${png}" png_head LIMIT 24 HEX)
string(SUBSTRING "${png_head}" 0 16 signature)
string(SUBSTRING "${png_head}" 32 8 width_hex)
string(SUBSTRING "${png_head}" 40 8 height_hex)
math(EXPR png_width "0x${width_hex}")
math(EXPR png_height "0x${height_hex}")
if(NOT signature STREQUAL "89504e470d0a1a0a")
  fail("screenshot.png is not a PNG")
elseif(NOT png_width EQUAL kWidth OR NOT png_height EQUAL kHeight)
  fail("screenshot.png is ${png_width}x${png_height}, expected ${kWidth}x${kHeight}")
elseif(png_bytes LESS 20000)
  # One colour over 1280x2000 compresses to a few kilobytes; the report's charts and text to far more.
  fail("screenshot.png is only ${png_bytes} bytes: the page looks blank")
endif()

# Colours counted by Chromium: the screenshot drawn on a canvas (file:// access allowed for it).
file(WRITE "${WORK_DIR}/pixels.html" [=[<!DOCTYPE html>
<html><body><img id="shot" src="screenshot.png" alt=""><script>
window.addEventListener('load', function () {
  var result;
  try {
    var img = document.getElementById('shot');
    var canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    var g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    var d = g.getImageData(0, 0, canvas.width, canvas.height).data;
    var counts = new Map(), top = 0;
    for (var i = 0; i < d.length; i += 4) {
      var key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      var n = (counts.get(key) || 0) + 1;
      counts.set(key, n);
      if (n > top) top = n;
    }
    result = 'colours=' + counts.size + ' top-permille=' + Math.floor(1000 * top / (d.length / 4));
  } catch (e) {
    result = 'error=' + String(e).replace(/[^ -~]/g, '?');
  }
  document.body.setAttribute('data-pixels', result);
});
</script></body></html>
]=])
file_url("${WORK_DIR}/pixels.html" pixels_url)
run_chromium(pixels "${pixels_url}" pixels_dom --allow-file-access-from-files --dump-dom)
if(pixels_dom MATCHES "data-pixels=\"colours=([0-9]+) top-permille=([0-9]+)\"")
  set(colours ${CMAKE_MATCH_1})
  set(top_permille ${CMAKE_MATCH_2})
  message(STATUS "screenshot: ${png_width}x${png_height}, ${png_bytes} bytes, ${colours} colours, "
                 "commonest colour ${top_permille}/1000 of the pixels")
  if(colours LESS 32)
    fail("the screenshot has only ${colours} colours: the page looks blank")
  endif()
  if(top_permille GREATER 970)
    fail("one colour covers ${top_permille}/1000 of the screenshot: the page looks blank")
  endif()
else()
  string(REGEX MATCH "data-pixels=\"[^\"]*\"" why "${pixels_dom}")
  fail("could not count the screenshot's colours (${why}); see ${WORK_DIR}/pixels.log")
endif()

# --- 2 and 3. The rendered DOM, and what happened while the page ran ---------------------------
# The probe goes right after the charset declaration, before any other script, so it sees every later
# error. It writes its findings as attributes of <body>, which --dump-dom then shows.
file(READ "${WORK_DIR}/report.html" report)
set(probe [=[<script>
(function () {
  var problems = [];
  function note(what) { problems.push(String(what).replace(/[^ -~]/g, '?').slice(0, 300)); }
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && t.tagName) note('failed to load <' + t.tagName.toLowerCase() + '> ' + (t.src || t.href || ''));
    else note('uncaught: ' + e.message + ' at ' + e.lineno + ':' + e.colno);
  }, true);
  window.addEventListener('unhandledrejection', function (e) { note('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    note('refused by the CSP: ' + e.blockedURI + ' (' + e.violatedDirective + ')');
  });
  var consoleError = console.error;
  console.error = function () {
    note('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
  window.addEventListener('load', function () {
    var body = document.body;
    try {
      var details = document.getElementsByTagName('details');
      function countOpen() { var n = 0; for (var i = 0; i < details.length; i++) n += details[i].open ? 1 : 0; return n; }
      var open = document.querySelector('button[data-details="open"]');
      var close = document.querySelector('button[data-details="close"]');
      if (open) open.click();
      var afterExpand = countOpen();
      var charts = document.querySelectorAll('svg.chart'), drawn = 0;
      for (var i = 0; i < charts.length; i++) {
        var r = charts[i].getBoundingClientRect();
        drawn += r.width > 50 && r.height > 20 ? 1 : 0;
      }
      var overflow = document.documentElement.scrollWidth - window.innerWidth;
      if (close) close.click();
      body.setAttribute('data-probe-details', details.length + ' ' + afterExpand + ' ' + countOpen());
      body.setAttribute('data-probe-charts', charts.length + ' ' + drawn);
      body.setAttribute('data-probe-overflow', String(Math.max(0, overflow)));
    } catch (e) {
      note('probe: ' + e);
    }
    body.setAttribute('data-probe-problems', String(problems.length));
    body.setAttribute('data-probe-problem-list', problems.join(' | '));
  });
})();
</script>
]=])
# After the charset declaration, which must stay within the first 1024 bytes.
set(charset "<meta charset=\"utf-8\">\n")
string(FIND "${report}" "${charset}" charset_at)
if(charset_at LESS 0)
  message(FATAL_ERROR "chromium_check: report.html does not declare <meta charset=\"utf-8\">")
endif()
string(LENGTH "${charset}" charset_length)
math(EXPR after_head "${charset_at} + ${charset_length}")
string(SUBSTRING "${report}" 0 ${after_head} before)
string(SUBSTRING "${report}" ${after_head} -1 rest)
file(WRITE "${WORK_DIR}/probe.html" "${before}${probe}${rest}")
file_url("${WORK_DIR}/probe.html" probe_url)
run_chromium(dom "${probe_url}" dom --dump-dom)
file(WRITE "${WORK_DIR}/probe.dom.html" "${dom}")
if(uncaught_dom)
  fail("uncaught errors while the report ran")
endif()

# What ran.
if(NOT dom MATCHES "data-probe-problems=\"([0-9]+)\"")
  fail("the probe did not report: the page did not finish loading, or scripts did not run")
elseif(NOT CMAKE_MATCH_1 EQUAL 0)
  set(problems ${CMAKE_MATCH_1})
  string(REGEX MATCH "data-probe-problem-list=\"[^\"]*\"" list "${dom}")
  fail("${problems} problem(s) while the page ran: ${list}")
endif()
if(NOT dom MATCHES "<html[^>]* class=\"js\"")
  fail("the report's own script did not run (<html> kept class no-js)")
endif()
if(dom MATCHES "data-probe-details=\"([0-9]+) ([0-9]+) ([0-9]+)\"")
  set(details ${CMAKE_MATCH_1})
  if(details LESS 4 OR NOT CMAKE_MATCH_2 EQUAL details OR NOT CMAKE_MATCH_3 EQUAL 0)
    fail("of ${details} <details>, Expand all opened ${CMAKE_MATCH_2} and Collapse all left ${CMAKE_MATCH_3} open")
  endif()
else()
  fail("the probe did not count the <details>")
endif()
if(dom MATCHES "data-probe-charts=\"([0-9]+) ([0-9]+)\"")
  if(CMAKE_MATCH_1 LESS 8 OR NOT CMAKE_MATCH_2 EQUAL CMAKE_MATCH_1)
    fail("${CMAKE_MATCH_2} of ${CMAKE_MATCH_1} charts have a size on screen (at least 8, all of them expected)")
  endif()
else()
  fail("the probe did not measure the charts")
endif()
if(dom MATCHES "data-probe-overflow=\"([0-9]+)\"" AND CMAKE_MATCH_1 GREATER 0)
  fail("the page is ${CMAKE_MATCH_1}px wider than a ${kWidth}px window (something does not wrap or scroll)")
endif()

# What is there: counts of elements in the DOM as Chromium built it.
function(count_matches regex out)
  string(REGEX MATCHALL "${regex}" all "${dom}")
  list(LENGTH all n)
  set(${out} ${n} PARENT_SCOPE)
endfunction()
count_matches("<svg[ >]" svgs)
count_matches("<table[ >]" tables)
count_matches("<script[ >]" scripts)
count_matches("<figcaption>" figures)
message(STATUS "dom: ${svgs} <svg>, ${tables} <table>, ${figures} figures, ${scripts} <script>")
if(svgs LESS 8)
  fail("only ${svgs} <svg> in the rendered DOM (overview charts, scenario charts and swimlanes expected)")
endif()
if(tables LESS 4)
  fail("only ${tables} <table> in the rendered DOM")
endif()
if(NOT scripts EQUAL 2)
  fail("${scripts} <script> elements (the probe and the report's own expected): scenario text became markup")
endif()
foreach(needle IN ITEMS
    "id=\"overview\"" "<table class=\"scenarios\">" "<th scope=\"col\">Scenario and file</th>"
    "<figcaption>Ticket volume by intent</figcaption>" "<figcaption>First response time</figcaption>"
    "<figcaption>Automation and reopen rates</figcaption>" "<figcaption>Cost per ticket</figcaption>"
    "class=\"chart swimlane\"" "wismo: email asks where the order is: auto reply with tracking"
    "I2 no automatic send that touches money: violated"
    "refund &lt;damaged&gt; &amp; \"quoted\" 'item': I2 fires &lt;/testcase&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
  string(FIND "${dom}" "${needle}" at)
  if(at LESS 0)
    fail("the rendered DOM lacks: ${needle}")
  endif()
endforeach()
string(FIND "${dom}" "<script>alert(1)" injected)
if(NOT injected LESS 0)
  fail("a scenario's name became a <script> element")
endif()

file(REMOVE_RECURSE "${WORK_DIR}/profile")  # Chromium's profile: megabytes no artefact needs
if(failure_count GREATER 0)
  message(FATAL_ERROR "chromium_check: ${failure_count} failed:${failures}\nArtefacts in ${WORK_DIR}")
endif()
message(STATUS "chromium_check: the report renders, runs cleanly and holds its tables and charts "
               "(screenshot ${WORK_DIR}/screenshot.png)")
