export default {
  async fetch(): Promise<Response> {
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  },
} satisfies ExportedHandler;
