// Entry: Vue app with router, i18n and Element Plus styles (all bundled;
// components are imported where they are used so the bundle stays lean).
import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'

createApp(App).use(i18n).use(router).mount('#app')
