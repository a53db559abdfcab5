// Drives the npm package altcha-lib (an independent ALTCHA implementation) for the compatibility tests.
// ALTCHA_LIB: absolute path of altcha-lib's v1 module (…/altcha-lib/dist/esm/v1/index.js).
// Reads one JSON request on stdin, writes one JSON answer on stdout:
//   {"mode":"solve","challenges":[{algorithm,challenge,maxnumber,salt,signature}, …]}
//     → {"payloads":[base64 widget payload | null, …],"tookMs":[…]}   (altcha-lib's solveChallenge)
//   {"mode":"create","hmacKey":"…","maxNumber":n,"expiresSeconds":s}
//     → {"challenge":{…},"payload":"…"}   (altcha-lib's createChallenge, then solved with solveChallenge)
//   {"mode":"verify","hmacKey":"…","payloads":[…]} → {"verified":[true|false, …]}   (altcha-lib's verifySolution)
import { pathToFileURL } from 'node:url';

const altcha = await import(pathToFileURL(process.env.ALTCHA_LIB).href);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));

async function solve(c) {
  const started = Date.now();
  const solution = await altcha.solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  const took = Date.now() - started;
  if (!solution) return { payload: null, took };
  const payload = { algorithm: c.algorithm, challenge: c.challenge, number: solution.number, salt: c.salt, signature: c.signature };
  return { payload: Buffer.from(JSON.stringify(payload)).toString('base64'), took };
}

let answer;
if (request.mode === 'solve') {
  const solved = [];
  for (const c of request.challenges) solved.push(await solve(c));
  answer = { payloads: solved.map((s) => s.payload), tookMs: solved.map((s) => s.took) };
} else if (request.mode === 'create') {
  const challenge = await altcha.createChallenge({
    hmacKey: request.hmacKey,
    maxNumber: request.maxNumber,
    expires: new Date(request.expiresSeconds * 1000),
  });
  answer = { challenge, payload: (await solve(challenge)).payload };
} else if (request.mode === 'verify') {
  const verified = [];
  for (const p of request.payloads) verified.push(await altcha.verifySolution(p, request.hmacKey, true));
  answer = { verified };
} else {
  throw new Error(`unknown mode ${request.mode}`);
}
process.stdout.write(JSON.stringify(answer));
