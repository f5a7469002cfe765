import { setBackend, tensor, tidy, gather, Rng, sum, noGrad } from '@lec/tensor';
import { wasmBackend } from '@lec/kernels-wasm';
import { Adam, Dense, Module, meanSquaredError, trainStep, softmaxCrossEntropyWithLogits } from '@lec/nn';
import { RNN, LSTM, addingProblem, SequenceTagger } from '@lec/rnn';
setBackend(await wasmBackend({ threads: 1 }));
class Reg extends Module { constructor(kind){ super(); this.type='Reg'; const rng=new Rng(1); this.enc=this.addModule('enc', kind==='lstm'? new LSTM(2,16,{rng}) : new RNN(2,16,{rng})); this.head=this.addModule('head', new Dense(16,1,{rng})); } forward(x){ return this.head.forward(this.enc.run(x).last); } }
for (const kind of ['rnn','lstm']) {
  const m = new Reg(kind); const opt = new Adam({learningRate: 0.01}); const rng = new Rng(5);
  const test = addingProblem(200, 30, {seed: 99});
  let t0=performance.now();
  for (let s=0;s<400;s++){ const b = addingProblem(32,30,{rng}); tidy(()=>trainStep(m, meanSquaredError, opt, b.x, b.y)); if (s%100===99) console.log(kind, s+1, noGrad(()=>meanSquaredError(m.forward(test.x), test.y).item()), ((performance.now()-t0)/1000).toFixed(1)); }
}
// bidirectional
for (const bi of [false,true]) {
  const m = new SequenceTagger(1, 8, 2, {seed: 0, bidirectional: bi, cell:'gru'}); const opt=new Adam({learningRate:0.02}); const rng=new Rng(3);
  const batch=(n)=>{ const T=10; const bits=new Float32Array(n*T); for(let i=0;i<bits.length;i++) bits[i]=rng.uniform(1)[0]<0.5?0:1; const y=new Int32Array(n*T); for(let i=0;i<n;i++) for(let t=0;t<T;t++) y[i*T+t]= t+1<T? bits[i*T+t+1]:0; return {x:tensor(bits,[n,T,1]), y:tensor(y,[n*T],{dtype:'int32'})}; };
  let t0=performance.now();
  for (let s=0;s<200;s++){ const b=batch(32); tidy(()=>trainStep({forward:(x)=>m.forward(x)}, ()=>0, opt, b.x, b.y)); break; }
}
process.exit(0);
