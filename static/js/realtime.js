/* One Socket.IO connection per page for live notices. The server decides the rooms from the
   login session; the page only listens. Features add listeners with portalRealtime.on(). */
(function () {
  "use strict";
  if (typeof window.io !== "function" || window.portalRealtime) { return; }
  var socket = window.io({ transports: ["websocket", "polling"], withCredentials: true });
  var state = document.documentElement;
  socket.on("connect", function () { state.setAttribute("data-realtime", "connected"); });
  socket.on("disconnect", function () { state.setAttribute("data-realtime", "disconnected"); });
  window.portalRealtime = {
    socket: socket,
    on: function (event, handler) { socket.on(event, handler); }
  };
})();
