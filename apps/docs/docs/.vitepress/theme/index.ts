import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { defineAsyncComponent, defineComponent, h, onMounted, ref } from 'vue';
import './style.css';

// Every demo is a client-only component, loaded with a dynamic import so that the server-side
// render never evaluates @lec/* or the wasm kernels. They are registered here by file name:
// demos/PerceptronDemo.vue is <PerceptronDemo /> in the markdown.
const demos = import.meta.glob('./demos/*.vue');

function clientOnly(load: () => Promise<{ default: object }>) {
  const Inner = defineAsyncComponent(load as () => Promise<{ default: never }>);
  return defineComponent({
    inheritAttrs: false,
    setup(_, { attrs }) {
      const mounted = ref(false);
      onMounted(() => {
        mounted.value = true;
      });
      return () => (mounted.value ? h(Inner, attrs) : h('div', { class: 'lec-demo lec-demo-placeholder' }, 'Loading the demo…'));
    },
  });
}

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    for (const [path, load] of Object.entries(demos)) {
      const name = path.slice('./demos/'.length, -'.vue'.length);
      app.component(name, clientOnly(load as () => Promise<{ default: object }>));
    }
  },
} satisfies Theme;
