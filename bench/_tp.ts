import { runPostgresBench } from "./postgres.js";

const r = await runPostgresBench(false);
console.log(JSON.stringify(r));
