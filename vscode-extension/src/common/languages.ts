/** The language labels that the charseg model emits: VS Code language identifiers. */

/** Labels in the order of the model contract, `plaintext` and `other` last. */
export const LABELS = [
    'python',
    'scala',
    'java',
    'kotlin',
    'javascript',
    'typescript',
    'c',
    'cpp',
    'csharp',
    'go',
    'rust',
    'ruby',
    'php',
    'shellscript',
    'sql',
    'html',
    'css',
    'markdown',
    'json',
    'yaml',
    'haskell',
    'lua',
    'r',
    'perl',
    'latex',
    'xml',
    'plaintext',
    'other',
] as const;

export type Label = (typeof LABELS)[number];

const DISPLAY_NAMES: Record<Label, string> = {
    python: 'Python',
    scala: 'Scala',
    java: 'Java',
    kotlin: 'Kotlin',
    javascript: 'JavaScript',
    typescript: 'TypeScript',
    c: 'C',
    cpp: 'C++',
    csharp: 'C#',
    go: 'Go',
    rust: 'Rust',
    ruby: 'Ruby',
    php: 'PHP',
    shellscript: 'Shell Script',
    sql: 'SQL',
    html: 'HTML',
    css: 'CSS',
    markdown: 'Markdown',
    json: 'JSON',
    yaml: 'YAML',
    haskell: 'Haskell',
    lua: 'Lua',
    r: 'R',
    perl: 'Perl',
    latex: 'LaTeX',
    xml: 'XML',
    plaintext: 'Plain Text',
    other: 'Other language',
};

export function isLabel(value: string): value is Label {
    return (LABELS as readonly string[]).includes(value);
}

/** Returns the human-readable name of a language id, or the id itself if unknown. */
export function displayName(languageId: string): string {
    return isLabel(languageId) ? DISPLAY_NAMES[languageId] : languageId;
}
