import { describe, expect, it } from 'vitest';
import { constantHtml, escapeHtml, html, SafeHtml } from '../../src/page/html';

describe('escapeHtml(text)', () => {
  it.each([
    ['plain', 'plain'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"double" 'single'`, '&quot;double&quot; &#39;single&#39;'],
    ['a & b &amp;', 'a &amp; b &amp;amp;'],
  ])('%j → %j', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });
});

describe('html`…`', () => {
  it('escapes every interpolated string, in text and attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    expect(html`<a title="${evil}">${evil}</a>`.toString()).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('nests html without escaping it twice, joins arrays, and drops null and undefined', () => {
    const items = ['a<b', 'c'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${3}`.toString()).toBe('<ul><li>a&lt;b</li><li>c</li></ul>3');
  });

  it('passes this program’s constants through unescaped', () => {
    expect(html`<style>${constantHtml('a>b{color:red}')}</style>`.toString()).toBe('<style>a>b{color:red}</style>');
  });

  it('cannot be forged from a plain string', () => {
    expect(() => new SafeHtml('<b>', Symbol('SafeHtml'))).toThrow(TypeError);
  });
});
