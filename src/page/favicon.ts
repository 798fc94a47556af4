/**
 * The pages' icon, served from this origin (`GET /favicon.svg`) so the strict `img-src 'self'`
 * of the image page allows it and browsers do not ask for a missing /favicon.ico.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#007ec6"/>' +
  '<path d="M8 10.5h16M8 16h16M8 21.5h10" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>\n';
