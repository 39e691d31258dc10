/**
 * The one XML reader (src/agent/parse/xml.ts): what it rejects, and the child lookups the crm_mon,
 * CIB, stonith_admin and crm_resource readers share. Its reading of real documents is checked by
 * the parser tests on the corpus.
 */
import { describe, expect, it } from 'vitest';
import { childNamed, childrenNamed, decodeEntities, parseXml, XmlSyntaxError } from '../../../../src/agent/parse/xml.js';

describe('parseXml', () => {
  it('decodes entities and character references in attributes and text', () => {
    const el = parseXml('<a v="&lt;x&gt; &amp; &quot;y&quot; &apos;z&apos; &#65;&#x42;">t&#10;&amp;u</a>');
    expect(el.attrs.v).toBe(`<x> & "y" 'z' AB`);
    expect(el.text).toBe('t\n&u');
    expect(decodeEntities('a&amp;b')).toBe('a&b');
  });

  it('rejects a repeated attribute, as libxml2 does', () => {
    expect(() => parseXml('<cib epoch="1" epoch="2"/>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<cib epoch="1" epoch="2"/>')).toThrow('attribute "epoch" repeated in <cib> (line 1, column 16)');
  });

  it('rejects truncated documents and bad entities with a position', () => {
    expect(() => parseXml('<cib>\n<configuration>\n</cib>')).toThrow(/does not match <configuration> opened on line 2/);
    expect(() => parseXml('<a v="&nbsp;"/>')).toThrow(/invalid entity/);
    expect(() => parseXml('<a><b></a>')).toThrow(XmlSyntaxError);
  });
});

describe('child lookup', () => {
  const root = parseXml('<r><x i="1"/><y/><x i="2"/></r>');
  it('finds the first child or all children of a name, in order', () => {
    expect(childNamed(root, 'x')?.attrs.i).toBe('1');
    expect(childrenNamed(root, 'x').map((e) => e.attrs.i)).toEqual(['1', '2']);
    expect(childNamed(root, 'z')).toBeUndefined();
  });
  it('reads an absent parent as having no children', () => {
    expect(childNamed(undefined, 'x')).toBeUndefined();
    expect(childrenNamed(childNamed(root, 'z'), 'x')).toEqual([]);
  });
});
