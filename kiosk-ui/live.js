// Live updates from the node (GET /api/v1/events, Server-Sent Events). The browser's
// EventSource reconnects by itself and sends Last-Event-ID; the node then starts with
// a "resync" event. Handlers get the parsed JSON data of each event.

export function connectLive({ onMenu, onOrder, onConnectivity, onResync, onLost }) {
  const source = new EventSource('/api/v1/events');
  const parse = (handler) => (e) => {
    let data = {};
    try {
      data = JSON.parse(e.data || '{}');
    } catch {
      data = {};
    }
    handler(data);
  };
  source.addEventListener('menu', parse(onMenu));
  source.addEventListener('order', parse(onOrder));
  source.addEventListener('connectivity', parse(onConnectivity));
  source.addEventListener('resync', parse(onResync));
  let lost = false;
  source.addEventListener('error', () => {
    lost = true;
    onLost();
  });
  // After a lost stream, whatever happened meanwhile is unknown: refetch.
  source.addEventListener('open', () => {
    if (lost) onResync({ reason: 'reopened' });
    lost = false;
  });
  return source;
}
