// Vite build for the ejia workbench.  Output goes to web/dist, which `ejia serve
// --web-root web/dist` serves with an SPA fallback.  Everything is bundled (no CDN,
// no web fonts) and the HTML carries no inline script, so the server's CSP
// (`script-src 'self'`) holds.  `npm run dev` proxies /api to a running server
// (EJIA_API, default http://127.0.0.1:8080) or to dev/mock-server.mjs.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    // No data: URIs for scripts; small images may still inline (img-src allows data:).
    assetsInlineLimit: 4096,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // Split the big, rarely-changing libraries so a UI change does not make
        // phones download Element Plus and ECharts again.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|async-validator|lodash|dayjs)/ },
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.EJIA_API || 'http://127.0.0.1:8080',
      '/healthz': process.env.EJIA_API || 'http://127.0.0.1:8080',
    },
  },
})
