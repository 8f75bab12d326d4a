import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDateTime, formatNumber, pickLocale } from '$lib/i18n/locale';
import { formatBytes } from '$lib/storage/device';
import { m } from '$lib/paraglide/messages';
import { locales } from '$lib/paraglide/runtime';

type Catalogue = Record<string, string>;

/** A language's messages as written in messages/<locale>.json (without the schema line). */
function catalogue(locale: string): Catalogue {
  const { $schema: _schema, ...messages } = JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8')) as Catalogue;
  return messages;
}

/** The `{name}` parameters a message uses, sorted. */
function parameters(message: string): string[] {
  return [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]))].sort();
}

// Paraglide compiles a message missing in one language to the English text without a word, so
// this test is what guarantees that both languages are complete.
describe('the message catalogues', () => {
  const english = catalogue('en');
  const chinese = catalogue('zh-CN');

  it('has exactly the two languages', () => {
    expect([...locales]).toEqual(['en', 'zh-CN']);
  });

  it('has every message in both languages, none empty', () => {
    expect(Object.keys(chinese).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of [...Object.entries(english), ...Object.entries(chinese)]) expect(text.trim(), key).not.toBe('');
  });

  it('gives each message the same parameters in both languages', () => {
    for (const key of Object.keys(english)) expect(parameters(chinese[key]), key).toEqual(parameters(english[key]));
  });

  it('writes the Chinese in Chinese (only names, units and symbols stay as they are)', () => {
    const sameInBoth = Object.keys(english).filter((key) => english[key] === chinese[key]);
    expect(sameInBoth.sort()).toEqual(['app_name', 'brush_px', 'size_gb', 'size_kb', 'size_mb', 'size_tb']);
    for (const key of Object.keys(chinese).filter((key) => !sameInBoth.includes(key))) {
      expect(chinese[key], key).toMatch(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
    }
  });

  it('uses one word for each key term', () => {
    const chineseText = Object.values(chinese).join('\n');
    // 关键帧 keyframe, 风格 style, 训练 training, 预览 preview: never a synonym.
    for (const synonym of ['主帧', '样式', '培训', '预示']) expect(chineseText).not.toContain(synonym);
    for (const [key, term] of [['capture_keyframe', '关键帧'], ['save_style', '风格'], ['pause_training', '训练'], ['preview', '预览']]) {
      expect(chinese[key]).toContain(term);
    }
  });

  it('compiles to message functions that speak either language', () => {
    expect(m.capture_keyframe()).toBe('Capture keyframe');
    expect(m.capture_keyframe({}, { locale: 'zh-CN' })).toBe('拍摄关键帧');
    expect(m.keyframe_added({ number: 2 }, { locale: 'zh-CN' })).toBe('已添加关键帧 2。在上面作画后才会参与训练。');
  });
});

describe('choosing the language', () => {
  it('keeps the choice made on this device', () => {
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
  });

  it('follows the browser: any Chinese is Chinese, the first known language wins', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-TW', 'zh-Hant-HK', 'ZH-cn']) expect(pickLocale(null, [tag]), tag).toBe('zh-CN');
    expect(pickLocale(null, ['fr-FR', 'zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLocale(null, ['de', 'fr'])).toBe('en');
    expect(pickLocale(null, [])).toBe('en');
  });

  it('ignores a remembered value that is not a language of the app', () => {
    expect(pickLocale('klingon', ['zh-CN'])).toBe('zh-CN');
  });
});

describe('numbers, sizes and dates', () => {
  it('writes numbers the way each language does', () => {
    expect(formatNumber(12345)).toBe('12,345');
    expect(formatNumber(0.5, 3)).toBe('0.500');
    expect(formatNumber(12345, 0, 'zh-CN')).toBe('12,345');
  });

  it('writes sizes with the unit word of the page language', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(3.2 * 1024 * 1024)).toBe('3.2 MB');
    expect(m.size_bytes({ value: formatNumber(512, 0, 'zh-CN') }, { locale: 'zh-CN' })).toBe('512 字节');
  });

  it('writes dates in the language asked for', () => {
    const date = new Date(2026, 10, 25, 17, 15);
    expect(formatDateTime(date, 'en')).toMatch(/Nov 25, 2026/);
    expect(formatDateTime(date, 'zh-CN')).toMatch(/2026年11月25日/);
  });
});
