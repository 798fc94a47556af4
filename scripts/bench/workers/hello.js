// The floor: the least a worker can do under the same Miniflare/workerd harness.
export default {
  fetch() {
    return new Response('hello\n', { headers: { 'Content-Type': 'text/plain' } });
  },
};
