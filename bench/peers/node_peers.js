// Language guesses from highlight.js and from guesslang (@vscode/vscode-languagedetection),
// served over JSON lines so that one Node process handles every input of a run.
//
//   node node_peers.js hljs python,scala,...   (auto-detection limited to these names)
//   node node_peers.js guesslang
//
// Each stdin line is {"text": "..."}. Each stdout line is the reply to one input, in order:
// hljs: {"language": name or null, "relevance": n, "ms": t}
// guesslang: {"results": [[id, confidence], ...] sorted by confidence, "ms": t}
// where t is the milliseconds the library call took. A failed call replies {"error": "..."}.
'use strict';

const readline = require('readline');

function makeHljs(subset) {
    const hljs = require('highlight.js');
    return {
        version: hljs.versionString,
        async guess(text) {
            const result = hljs.highlightAuto(text, subset);
            return { language: result.language || null, relevance: result.relevance };
        },
    };
}

function makeGuesslang() {
    const { ModelOperations } = require('@vscode/vscode-languagedetection');
    const model = new ModelOperations();
    return {
        version: require('@vscode/vscode-languagedetection/package.json').version,
        async guess(text) {
            const results = await model.runModel(text);
            return { results: results.map((r) => [r.languageId, r.confidence]) };
        },
    };
}

async function main() {
    const [tool, subset] = process.argv.slice(2);
    let peer;
    if (tool === 'hljs') {
        peer = makeHljs((subset || '').split(',').filter(Boolean));
    } else if (tool === 'guesslang') {
        peer = makeGuesslang();
    } else {
        console.error(`unknown tool ${JSON.stringify(tool)}; expected hljs or guesslang`);
        process.exit(2);
    }
    process.stdout.write(JSON.stringify({ ready: tool, version: peer.version }) + '\n');
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
        if (!line.trim()) {
            continue;
        }
        let reply;
        try {
            const { text } = JSON.parse(line);
            const start = process.hrtime.bigint();
            reply = await peer.guess(text);
            reply.ms = Number(process.hrtime.bigint() - start) / 1e6;
        } catch (error) {
            reply = { error: String(error && error.stack ? error.stack : error) };
        }
        process.stdout.write(JSON.stringify(reply) + '\n');
    }
}

main();
