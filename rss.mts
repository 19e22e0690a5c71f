import { benchDeclaratieRss } from './bench/declaratie-rss.js';
console.log(JSON.stringify(await benchDeclaratieRss('pglite')));
console.log(JSON.stringify(await benchDeclaratieRss('postgres')));
process.exit(0);
