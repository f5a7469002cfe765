// A page that imports only tensor and matmul: its minified size is what @lec/tensor costs a
// page that uses a little of it (sideEffects: false lets the bundler drop the rest).
import { matmul, tensor } from '@lec/tensor';

document.getElementById('result').textContent = JSON.stringify(matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray());
